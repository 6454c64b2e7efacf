select
    order_date,
    sum(amount) as revenue
from {{ ref('fct_orders') }}
where order_date >= '{{ var("revenue_cutoff") }}'
group by order_date
