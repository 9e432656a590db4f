{{ config(materialized='table', dist='customer', sort=['customer'], sort_type='compound') }}

select
    customer,
    count(*) as order_count,
    sum(amount) as total_amount,
    min(ordered_at) as first_order,
    max(ordered_at) as last_order
from {{ ref('stg_orders') }}
group by customer
