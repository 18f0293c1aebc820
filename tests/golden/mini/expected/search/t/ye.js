DOSSIER_SEARCH.t["ye"] = {
"yet":[22]
};
