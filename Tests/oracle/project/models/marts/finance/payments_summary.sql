select
    payment_method,
    cast(sum(amount) as double) as total_amount,
    count(*) as payment_count
from {{ ref('stg_payments') }}
group by payment_method
