DOSSIER_SEARCH.t["15"] = {
"15":[2,2]
};
