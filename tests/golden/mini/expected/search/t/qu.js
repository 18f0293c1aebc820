DOSSIER_SEARCH.t["qu"] = {
"questions":[0]
};
