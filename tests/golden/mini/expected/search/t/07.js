DOSSIER_SEARCH.t["07"] = {
"07":[16]
};
