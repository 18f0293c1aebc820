DOSSIER_SEARCH.t["sm"] = {
"smith":[24]
};
