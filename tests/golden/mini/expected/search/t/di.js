DOSSIER_SEARCH.t["di"] = {
"digital":[0]
};
