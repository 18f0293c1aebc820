DOSSIER_SEARCH.t["1"] = {
"1":[7,13,5]
};
