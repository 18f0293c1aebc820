DOSSIER_SEARCH.t["2"] = {
"2":[9,3,11,4]
};
