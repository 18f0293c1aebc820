DOSSIER_SEARCH.t["ex"] = {
"exists":[6,12]
};
