select
    customer_id,
    first_name,
    last_name,
    dbt_valid_from
from {{ ref('customers_snapshot') }}
where dbt_valid_to is null
