DOSSIER_SEARCH.t["ag"] = {
"age":[22]
};
