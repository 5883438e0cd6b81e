"""The API's routers, one per group of endpoints; api.app includes those listed in ROUTERS."""
