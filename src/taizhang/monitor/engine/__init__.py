"""The indicator engine: monitoring files → observation store → daily and annual indicators.

Flow (one module per step):
    readers.py     a file (CSV/Excel/Parquet) → a table of raw cells
    load_air.py    raw cells → canonical hourly air table (schema.py), flags, units, hour convention
    load_water.py  the MEP weekly water layout (or a generic long layout) → water samples
    store.py       tables → Parquet parts under ./taizhang-data/, written atomically
    air_daily.py   hourly → station days and city days (Ibis; one pass over the hourly data)
    aqi_expr.py    daily concentrations → IAQI, AQI, primary pollutant, level (Ibis, integer-exact)
    air_annual.py  daily → annual means, percentiles, validity, good/heavy days (Ibis)
    water.py       water samples → monthly means → annual section classes
    pipeline.py    wiring on a backend (DuckDB by default; Spark through ibis.pyspark)
    report.py      results → JSON / table / xlsx
    cli.py         `taizhang monitor load | air-daily | air-annual | water-annual`
"""
