DOSSIER_SEARCH.t["co"] = {
"comes":[20],
"conditional":[16]
};
