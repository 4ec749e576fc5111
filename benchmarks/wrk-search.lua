-- The searches of benchmarks/wrk-search.sh and wrk-search-side-by-side.sh: `searchTools` rotating
-- through queries in the four languages; SHAPE=full|facets|bare picks the selection, TOKEN signs in.
local queries = { "stress", "gérer le stress", "burnout", "zelfscan", "troubles du sommeil",
  "Stressbewältigung", "peer group entrepreneurs", "faillite", "uitputting",
  "épuisement professionnel", "" }
local shape = os.getenv("SHAPE") or "full"
local selection
if shape == "bare" then
  selection = "totalCount edges { node { tool { id } } }"
elseif shape == "facets" then
  selection = "totalCount edges { node { tool { id title } } } facets { kinds { value count } categories { value count } languages { value count } owners { value count } }"
else
  selection = "totalCount edges { node { score tool { id title } highlights { title text } } } facets { kinds { value count } categories { value count } languages { value count } owners { value count } }"
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
request = function()
  n = n + 1
  local q = queries[(n % #queries) + 1]
  local body = '{"query":"query($q: String) { searchTools(query: $q, first: 10) { ' .. selection ..
    ' } }","variables":{"q":"' .. q .. '"}}'
  return wrk.format(nil, nil, nil, body)
end
