DOSSIER_SEARCH.t["10"] = {
"10":[2]
};
