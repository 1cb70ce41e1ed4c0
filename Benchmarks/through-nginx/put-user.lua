-- wrk script: PUT /api/users/42 with a JSON body.
wrk.method = "PUT"
wrk.body = '{"name":"Ada Lovelace","email":"ada@example.com"}'
wrk.headers["Content-Type"] = "application/json"
