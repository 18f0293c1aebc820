DOSSIER_SEARCH.t["ab"] = {
"about":[0]
};
