{{ config(post_hook="{{ audit_row(this) }}") }}

select
    order_id,
    customer_id,
    order_date,
    status,
    amount
from {{ ref('int_order_payments') }}
