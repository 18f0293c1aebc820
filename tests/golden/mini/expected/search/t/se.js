DOSSIER_SEARCH.t["se"] = {
"sex":[22]
};
