DOSSIER_SEARCH.t["a1"] = {
"a1b2c3d":[14]
};
