DOSSIER_SEARCH.t["jo"] = {
"jones":[24]
};
