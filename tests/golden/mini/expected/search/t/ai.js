DOSSIER_SEARCH.t["ai"] = {
"ai":[2,2,3,3,3,9,3,3,3]
};
