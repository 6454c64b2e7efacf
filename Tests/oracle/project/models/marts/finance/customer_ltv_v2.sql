select
    orders.customer_id,
    sum(orders.amount) as lifetime_value,
    count(*) as number_of_orders
from {{ ref('fct_orders') }} as orders
inner join {{ ref('dim_customers') }} as customers
    on orders.customer_id = customers.customer_id
group by orders.customer_id
