DOSSIER_SEARCH.t["a"] = {
"a":[6,6,6,4]
};
