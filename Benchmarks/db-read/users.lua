-- wrk script: GET /api/users/<id>, a random one of the 1000 users db-read/run seeds.
local thread_seed = 0
function setup(thread)
    thread_seed = thread_seed + 1
    thread:set("seed", thread_seed)
end
function init()
    math.randomseed(os.time() + (seed or 0))
end
function request()
    return wrk.format("GET", "/api/users/" .. math.random(1, 1000))
end
