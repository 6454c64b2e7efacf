def model(dbt, session):
    dbt.config(materialized="table")
    orders = dbt.ref("fct_orders").df()
    return orders.groupby("status").size().reset_index(name="orders")
