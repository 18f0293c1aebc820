DOSSIER_SEARCH.t["da"] = {
"data":[8,8,4]
};
