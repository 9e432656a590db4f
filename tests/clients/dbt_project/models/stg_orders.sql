-- A view over the seed.
select
    id as order_id,
    customer,
    amount,
    ordered_at
from {{ ref('raw_orders') }}
where amount > 0
