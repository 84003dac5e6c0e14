-- Argo CD health check for ptr.mailops.dev/SendingIp. Reads the same conditions as kstatus (Flux, kpt):
-- Healthy: Ready=True for the current generation. Degraded: Stalled=True (nothing changes until someone acts;
-- message "Reason: message" says what to do). Progressing: no status yet, status behind the spec
-- (observedGeneration < generation), Reconciling=True (a provider update pending, a retried provider or DNS
-- failure), or Ready Unknown. A status without Stalled/Reconciling (written before they existed): Ready=False is
-- Degraded. Written for Argo CD's Lua 5.1 (gopher-lua); tested with LuaJ by ArgoCdHealthLuaTest and GitOpsHealthIT.
local hs = {}
local function progressing(message)
  hs.status = "Progressing"
  hs.message = message
  return hs
end

local function detail(condition)
  local message = condition.message
  if message == nil or message == "" then
    return condition.reason or ""
  elseif condition.reason ~= nil and condition.reason ~= "" then
    return condition.reason .. ": " .. message
  end
  return message
end

if obj.status == nil or obj.status.conditions == nil then
  return progressing("Waiting for ptr-operator to report a status")
end

local found = {}
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" or condition.type == "Stalled" or condition.type == "Reconciling" then
    found[condition.type] = condition
  end
end
local ready = found["Ready"]
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

local stalled = found["Stalled"]
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = detail(stalled)
  return hs
end
local reconciling = found["Reconciling"]
if reconciling ~= nil and reconciling.status == "True" then
  return progressing(detail(reconciling))
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = detail(ready)
  if hs.message == "" then
    hs.message = "Ready"
  end
elseif ready.status == "False" then
  hs.status = "Degraded"
  hs.message = detail(ready)
else
  return progressing(detail(ready))
end
return hs
