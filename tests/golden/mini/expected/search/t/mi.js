DOSSIER_SEARCH.t["mi"] = {
"missed":[16]
};
