-- TFB's plaintext load (toolset/wrk/pipeline.lua): every write sends 16 requests at once (HTTP pipelining);
-- `wrk -s pipeline.lua URL -- N` for another depth.
init = function(args)
  local depth = tonumber(args[1]) or 16
  local requests = {}
  for i = 1, depth do requests[i] = wrk.format() end
  batch = table.concat(requests)
end

request = function()
  return batch
end
