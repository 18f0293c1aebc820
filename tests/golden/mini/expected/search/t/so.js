DOSSIER_SEARCH.t["so"] = {
"sources":[8,12]
};
