-- First trading day of each year and its close-to-close change, like hkpipe's view.
with prices as (
    select date as trade_date, close from {{ ref('HSI') }}
),

sequenced as (
    select
        year(trade_date) as year,
        trade_date,
        lag(trade_date) over (order by trade_date) as prev_trade_date,
        close,
        lag(close) over (order by trade_date) as prev_close,
        row_number() over (partition by year(trade_date) order by trade_date) as nth
    from prices
)

select year, trade_date, prev_trade_date, close, prev_close,
       (close / prev_close - 1) * 100 as pct_change
from sequenced
where nth = 1
