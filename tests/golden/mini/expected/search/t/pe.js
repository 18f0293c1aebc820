DOSSIER_SEARCH.t["pe"] = {
"personal":[12]
};
