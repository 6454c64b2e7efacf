select
    customer_id,
    sum(amount) as lifetime_value
from {{ ref('fct_orders') }}
group by customer_id
