DOSSIER_SEARCH.t["o"] = {
"o":[12]
};
