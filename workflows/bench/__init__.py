"""`manage.py bench`: measured performance of Flowdesk on real PostgreSQL, Redis and Celery workers."""
