-- Argo CD health check for ptr.mailops.dev/ReverseDnsProvider (kstatus conventions: a Ready condition and
-- observedGeneration). Healthy: Ready=True for the current generation. Progressing: no status yet,
-- status behind the spec (observedGeneration < generation), or Ready=Unknown. Degraded: Ready=False.
-- Written for Argo CD's Lua 5.1 (gopher-lua); tested with LuaJ by ArgoCdHealthLuaTest.
local hs = {}
local function progressing(message)
  hs.status = "Progressing"
  hs.message = message
  return hs
end

if obj.status == nil or obj.status.conditions == nil then
  return progressing("Waiting for ptr-operator to report a status")
end

local ready = nil
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" then
    ready = condition
  end
end
if ready == nil then
  return progressing("Waiting for ptr-operator to report the Ready condition")
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if observed == nil then
  observed = ready.observedGeneration
end
if generation ~= nil and observed ~= nil and observed < generation then
  return progressing("Waiting for ptr-operator to observe generation " .. generation
    .. " (status is for generation " .. observed .. ")")
end

local detail = ready.message
if detail == nil or detail == "" then
  detail = ready.reason or ""
elseif ready.reason ~= nil and ready.reason ~= "" then
  detail = ready.reason .. ": " .. detail
end

if ready.status == "True" then
  hs.status = "Healthy"
  if detail == "" then
    hs.message = "Ready"
  else
    hs.message = detail
  end
elseif ready.status == "False" then
  hs.status = "Degraded"
  hs.message = detail
else
  return progressing(detail)
end
return hs
