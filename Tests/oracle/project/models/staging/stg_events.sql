select
    event_id,
    customer_id,
    event_type,
    cast(received_at as timestamp) as occurred_at
from {{ source('shop', 'events') }}
