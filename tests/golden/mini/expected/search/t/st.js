DOSSIER_SEARCH.t["st"] = {
"still":[16]
};
