DOSSIER_SEARCH.t["31"] = {
"31":[14,2]
};
