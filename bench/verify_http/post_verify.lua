-- wrk script: POST one HC1 text (from the environment variable HC1) to /api/v1/verify.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
wrk.body = os.getenv("HC1")
