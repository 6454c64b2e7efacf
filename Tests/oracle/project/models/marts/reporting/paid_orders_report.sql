-- The only ref to fct_orders is inside the macro paid_orders().
{{ paid_orders() }}
