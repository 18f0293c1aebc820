-- maturity: the MLOps maturity self-assessment of content/portfolio.yaml.
--
-- The scale follows Google Cloud's "MLOps: Continuous delivery and
-- automation pipelines in machine learning", which names three levels,
-- and adds a fourth for what a regulated organisation needs on top:
--
--   0  Manual process             every step is run and handed over by hand
--   1  ML pipeline automation     training runs as an automated pipeline
--                                 (continuous training), with tracked runs,
--                                 a registry and shared features
--   2  CI/CD pipeline automation  the pipelines themselves are tested, built
--                                 and deployed automatically, and live
--                                 monitoring can start them
--   3  Governed and measured      (ours) controls and evidence come out of
--                                 the pipeline: release gates, audit trail,
--                                 periodic review, value measured
--
-- Each of six components has yes/no questions, each tied to a level. A
-- component is at level L when every question of levels 1 to L is answered
-- true; one "no" at level 1 keeps it at 0 whatever else is in place. What
-- the next level needs is the list of that level's questions not yet
-- answered true. The question ids must match the generator's schema for
-- portfolio.yaml (wip/value/value.c), which rejects any other key.
local M = {}

M.LEVELS = {
  { level = 0, name = "Manual process",
    text = "Every step is run and handed over by hand; models are retrained and released rarely." },
  { level = 1, name = "ML pipeline automation",
    text = "Training runs as an automated pipeline, with tracked runs, a model registry and shared features." },
  { level = 2, name = "CI/CD pipeline automation",
    text = "The pipelines themselves are tested, built and deployed automatically, and monitoring can start them." },
  { level = 3, name = "Governed and measured",
    text = "Controls and evidence come out of the pipeline: release gates, audit trail, periodic review and measured value." },
}
M.TOP = 3

-- The components, in the order the scorecard shows them. Each question has
-- an id (the key in portfolio.yaml), the level it belongs to, the question
-- as asked, and what to do when the answer is no.
M.COMPONENTS = {
  { id = "feature_store", name = "Feature store", questions = {
    { id = "features_in_pipeline", level = 1,
      ask = "Are training features computed by the automated pipeline rather than by hand?",
      need = "Compute training features in the automated pipeline, not by hand in notebooks." },
    { id = "shared_store", level = 1,
      ask = "Do training and serving read the same feature definitions from a feature store?",
      need = "Serve training and scoring from the same feature definitions in a feature store." },
    { id = "features_tested", level = 2,
      ask = "Are feature pipelines tested and deployed through CI/CD?",
      need = "Test and deploy feature pipelines through CI/CD." },
    { id = "skew_monitored", level = 3,
      ask = "Are feature freshness and training/serving skew monitored, with an owner for every feature?",
      need = "Monitor feature freshness and training/serving skew, and give every feature an owner." },
  } },
  { id = "model_registry", name = "Model registry", questions = {
    { id = "registry_used", level = 1,
      ask = "Is every trained model stored in a registry with its version and the run that produced it?",
      need = "Register every trained model with its version and the run that produced it." },
    { id = "promotion_automated", level = 2,
      ask = "Are models promoted to staging and production from the registry by the deployment pipeline?",
      need = "Promote models from the registry through the deployment pipeline, not by copying files." },
    { id = "approval_linked", level = 3,
      ask = "Does each production version carry its recorded approval and model card in the registry?",
      need = "Link each production version to its recorded approval and model card." },
  } },
  { id = "experiment_tracking", name = "Experiment tracking", questions = {
    { id = "runs_logged", level = 1,
      ask = "Do training runs log parameters, metrics and artefacts automatically?",
      need = "Log the parameters, metrics and artefacts of every training run automatically." },
    { id = "lineage", level = 1,
      ask = "Does every run record its code commit and data snapshot, so any model can be rebuilt?",
      need = "Record the code commit and data snapshot of every run." },
    { id = "baseline_comparison", level = 2,
      ask = "Does the pipeline compare every candidate with the production model before it can be promoted?",
      need = "Let the pipeline compare every candidate with the production model before promotion." },
    { id = "results_archived", level = 3,
      ask = "Are the evaluation results behind every release kept with its release record?",
      need = "Keep the evaluation results behind every release with its release record." },
  } },
  { id = "ci_cd", name = "CI/CD", questions = {
    { id = "pipeline_orchestrated", level = 1,
      ask = "Does training run as an orchestrated pipeline that retrains without manual steps?",
      need = "Run training as an orchestrated pipeline that retrains without manual steps." },
    { id = "pipeline_tested", level = 2,
      ask = "Is pipeline code tested and built automatically on every change (CI)?",
      need = "Test and build pipeline code automatically on every change." },
    { id = "pipeline_deployed", level = 2,
      ask = "Are pipelines and models deployed to staging and production automatically (CD)?",
      need = "Deploy pipelines and models to staging and production automatically." },
    { id = "release_gates", level = 3,
      ask = "Do release gates (metric thresholds, fairness checks) block a release automatically?",
      need = "Turn metric and fairness thresholds into gates that block a release automatically." },
  } },
  { id = "monitoring", name = "Monitoring", questions = {
    { id = "service_monitored", level = 1,
      ask = "Are latency, errors and input volumes monitored in production, with alerts to the owner?",
      need = "Monitor latency, errors and input volumes in production, with alerts to the owner." },
    { id = "drift_monitored", level = 2,
      ask = "Are data and prediction drift measured on live data?",
      need = "Measure data and prediction drift on live data." },
    { id = "retraining_triggered", level = 2,
      ask = "Can a monitoring alert start the training pipeline without manual steps?",
      need = "Let monitoring alerts start the training pipeline." },
    { id = "value_measured", level = 3,
      ask = "Is the business value realised measured against the value sheet?",
      need = "Measure the business value realised against the value sheet." },
  } },
  { id = "governance", name = "Governance", questions = {
    { id = "inventory", level = 1,
      ask = "Is every model in an inventory with an owner and a risk class?",
      need = "Keep every model in an inventory with an owner and a risk class." },
    { id = "docs_generated", level = 2,
      ask = "Are model cards and validation evidence generated from the pipeline rather than written by hand?",
      need = "Generate model cards and validation evidence from the pipeline." },
    { id = "decisions_audited", level = 3,
      ask = "Does every release decision have a named approver and an audit trail of its evidence?",
      need = "Record a named approver and the evidence behind every release decision." },
    { id = "periodic_review", level = 3,
      ask = "Is every model reviewed on a fixed cycle, with the outcome recorded?",
      need = "Review every model on a fixed cycle and record the outcome." },
  } },
}

-- The level's name and description, by number.
function M.level_info(level)
  return M.LEVELS[(level or 0) + 1]
end

-- Scores one component from its answers (a table of question id -> true or
-- false; nil when the component was not assessed). Returns
--   { id, name, assessed, level, level_name,
--     questions = { {id, level, ask, need, answer = true|false|nil}, ... },
--     next = { level, name, needs = { "...", ... } } or nil at the top,
--     ahead = { questions answered true above the reached level } }
-- An unanswered question counts as "no": the scorecard says so.
function M.score_component(comp, answers)
  local r = { id = comp.id, name = comp.name, assessed = answers ~= nil,
              questions = {}, ahead = {} }
  answers = answers or {}
  for _, q in ipairs(comp.questions) do
    local a = answers[q.id]
    if a ~= true and a ~= false then a = nil end
    r.questions[#r.questions + 1] = { id = q.id, level = q.level, ask = q.ask,
                                      need = q.need, answer = a }
  end
  -- The highest level whose questions, and those of every level below it,
  -- are all answered true.
  local level = 0
  for l = 1, M.TOP do
    local all = true
    for _, q in ipairs(r.questions) do
      if q.level == l and q.answer ~= true then all = false end
    end
    if not all then break end
    level = l
  end
  r.level = level
  r.level_name = M.level_info(level).name
  if level < M.TOP then
    local nxt = { level = level + 1, name = M.level_info(level + 1).name,
                  needs = {} }
    for _, q in ipairs(r.questions) do
      if q.level == level + 1 and q.answer ~= true then
        nxt.needs[#nxt.needs + 1] = q.need
      end
    end
    r.next = nxt
  end
  for _, q in ipairs(r.questions) do
    if q.level > level + 1 and q.answer == true then
      r.ahead[#r.ahead + 1] = q.ask
    end
  end
  return r
end

-- Scores the whole assessment (portfolio.yaml's `maturity`, may be nil).
-- Returns
--   { assessed_on, assessed_by, note, components = { ...score_component... },
--     assessed = number of components answered,
--     overall = the lowest level of the assessed components (a chain is as
--               strong as its weakest link), or nil when none was assessed,
--     mean = their average level, or nil }
function M.assess(maturity)
  maturity = maturity or {}
  local r = { assessed_on = maturity.assessed_on,
              assessed_by = maturity.assessed_by, note = maturity.note,
              components = {}, assessed = 0 }
  local sum = 0
  for _, comp in ipairs(M.COMPONENTS) do
    local s = M.score_component(comp, maturity[comp.id])
    r.components[#r.components + 1] = s
    if s.assessed then
      r.assessed = r.assessed + 1
      sum = sum + s.level
      if r.overall == nil or s.level < r.overall then r.overall = s.level end
    end
  end
  if r.assessed > 0 then r.mean = sum / r.assessed end
  return r
end

return M
