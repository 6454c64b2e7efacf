select
    customer_id,
    lifetime_value
from {{ ref('customer_ltv') }}
order by lifetime_value desc
