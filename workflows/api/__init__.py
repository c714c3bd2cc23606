"""The REST API of the workflows app (routes in `urls`)."""
