DOSSIER_SEARCH.t["cr"] = {
"credit":[12]
};
