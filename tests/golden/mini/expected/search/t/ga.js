DOSSIER_SEARCH.t["ga"] = {
"gate":[16]
};
