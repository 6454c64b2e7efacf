with customers as (
    select * from {{ ref('stg_customers') }}
),

customer_orders as (
    select * from {{ ref('int_customer_orders') }}
),

countries as (
    select * from {{ ref('country_codes') }}
)

select
    customers.customer_id,
    {{ safe_concat('customers.first_name', 'customers.last_name') }} as full_name,
    countries.name as country_name,
    customer_orders.first_order,
    customer_orders.most_recent_order,
    coalesce(customer_orders.number_of_orders, 0) as number_of_orders
from customers
left join customer_orders on customers.customer_id = customer_orders.customer_id
left join countries on customers.country_code = countries.code
