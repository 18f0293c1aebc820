DOSSIER_SEARCH.t["ll"] = {
"llm":[0,10]
};
