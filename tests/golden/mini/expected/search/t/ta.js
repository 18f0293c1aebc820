DOSSIER_SEARCH.t["ta"] = {
"table":[20]
};
